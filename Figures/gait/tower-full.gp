# Rendered by: gnuplot tower-full.gp (run from this directory)
set terminal pngcairo size 700,1100 noenhanced font 'Sans,11'
set output 'tower-full.png'
set datafile separator ','
set key autotitle columnhead
set grid lc rgb '#dddddd'
set multiplot layout 3,1 columnsfirst title 'tower 784-784-500-200-10, full scale, 1 seed(s)'
set xlabel 'epoch (batches / 1000)'
set key bottom right font ',9'
set style fill transparent solid 0.2 noborder
set title 'MNIST: train accuracy'
set ylabel 'train accuracy (%)'
set yrange [0:100]
plot 'tower-full.csv' using 1:2 with lines lw 2 lc rgb '#000000' title 'BP', \
     'tower-full.csv' using 1:4 with points pt 7 ps 1.2 lc rgb '#000000' notitle, \
     'tower-full.csv' using 1:8 with lines lw 2 lc rgb '#d62728' title 'GAIT-prop', \
     'tower-full.csv' using 1:10 with points pt 7 ps 1.2 lc rgb '#d62728' notitle
set title 'MNIST: test accuracy'
set ylabel 'test accuracy (%)'
set yrange [0:100]
plot 'tower-full.csv' using 1:5 with lines lw 2 lc rgb '#000000' title 'BP', \
     'tower-full.csv' using 1:7 with points pt 7 ps 1.2 lc rgb '#000000' notitle, \
     'tower-full.csv' using 1:11 with lines lw 2 lc rgb '#d62728' title 'GAIT-prop', \
     'tower-full.csv' using 1:13 with points pt 7 ps 1.2 lc rgb '#d62728' notitle
set title 'MNIST: test accuracy (zoom: BP and GAIT-prop)'
set ylabel 'test accuracy (%)'
set yrange [92:100]
plot 'tower-full.csv' using 1:5 with lines lw 2 lc rgb '#000000' title 'BP', \
     'tower-full.csv' using 1:7 with points pt 7 ps 1.2 lc rgb '#000000' notitle, \
     'tower-full.csv' using 1:11 with lines lw 2 lc rgb '#d62728' title 'GAIT-prop', \
     'tower-full.csv' using 1:13 with points pt 7 ps 1.2 lc rgb '#d62728' notitle
unset multiplot
