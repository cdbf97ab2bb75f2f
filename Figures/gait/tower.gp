# Rendered by: gnuplot tower.gp (run from this directory)
set terminal pngcairo size 1200,1100 noenhanced font 'Sans,11'
set output 'tower.png'
set datafile separator ','
set key autotitle columnhead
set grid lc rgb '#dddddd'
set multiplot layout 3,2 columnsfirst title 'tower 784-784-500-200-10, quick scale, 1 seed(s)'
set xlabel 'epoch (batches / 1000)'
set key bottom right font ',9'
set style fill transparent solid 0.2 noborder
set title 'MNIST: train accuracy'
set ylabel 'train accuracy (%)'
set yrange [0:100]
plot 'tower.csv' using 1:2 with lines lw 2 lc rgb '#000000' title 'BP', \
     'tower.csv' using 1:4 with points pt 7 ps 1.2 lc rgb '#000000' notitle, \
     'tower.csv' using 1:8 with lines lw 2 lc rgb '#d62728' title 'GAIT-prop', \
     'tower.csv' using 1:10 with points pt 7 ps 1.2 lc rgb '#d62728' notitle, \
     'tower.csv' using 1:14 with lines lw 2 lc rgb '#1f77b4' title 'TP', \
     'tower.csv' using 1:16 with points pt 7 ps 1.2 lc rgb '#1f77b4' notitle
set title 'MNIST: test accuracy'
set ylabel 'test accuracy (%)'
set yrange [0:100]
plot 'tower.csv' using 1:5 with lines lw 2 lc rgb '#000000' title 'BP', \
     'tower.csv' using 1:7 with points pt 7 ps 1.2 lc rgb '#000000' notitle, \
     'tower.csv' using 1:11 with lines lw 2 lc rgb '#d62728' title 'GAIT-prop', \
     'tower.csv' using 1:13 with points pt 7 ps 1.2 lc rgb '#d62728' notitle, \
     'tower.csv' using 1:17 with lines lw 2 lc rgb '#1f77b4' title 'TP', \
     'tower.csv' using 1:19 with points pt 7 ps 1.2 lc rgb '#1f77b4' notitle
set title 'MNIST: test accuracy (zoom: BP and GAIT-prop)'
set ylabel 'test accuracy (%)'
set yrange [87:100]
plot 'tower.csv' using 1:5 with lines lw 2 lc rgb '#000000' title 'BP', \
     'tower.csv' using 1:7 with points pt 7 ps 1.2 lc rgb '#000000' notitle, \
     'tower.csv' using 1:11 with lines lw 2 lc rgb '#d62728' title 'GAIT-prop', \
     'tower.csv' using 1:13 with points pt 7 ps 1.2 lc rgb '#d62728' notitle
set title 'FMNIST: train accuracy'
set ylabel 'train accuracy (%)'
set yrange [0:100]
plot 'tower.csv' using 1:20 with lines lw 2 lc rgb '#000000' title 'BP', \
     'tower.csv' using 1:22 with points pt 7 ps 1.2 lc rgb '#000000' notitle, \
     'tower.csv' using 1:26 with lines lw 2 lc rgb '#d62728' title 'GAIT-prop', \
     'tower.csv' using 1:28 with points pt 7 ps 1.2 lc rgb '#d62728' notitle, \
     'tower.csv' using 1:32 with lines lw 2 lc rgb '#1f77b4' title 'TP', \
     'tower.csv' using 1:34 with points pt 7 ps 1.2 lc rgb '#1f77b4' notitle
set title 'FMNIST: test accuracy'
set ylabel 'test accuracy (%)'
set yrange [0:100]
plot 'tower.csv' using 1:23 with lines lw 2 lc rgb '#000000' title 'BP', \
     'tower.csv' using 1:25 with points pt 7 ps 1.2 lc rgb '#000000' notitle, \
     'tower.csv' using 1:29 with lines lw 2 lc rgb '#d62728' title 'GAIT-prop', \
     'tower.csv' using 1:31 with points pt 7 ps 1.2 lc rgb '#d62728' notitle, \
     'tower.csv' using 1:35 with lines lw 2 lc rgb '#1f77b4' title 'TP', \
     'tower.csv' using 1:37 with points pt 7 ps 1.2 lc rgb '#1f77b4' notitle
set title 'FMNIST: test accuracy (zoom: BP and GAIT-prop)'
set ylabel 'test accuracy (%)'
set yrange [76:100]
plot 'tower.csv' using 1:23 with lines lw 2 lc rgb '#000000' title 'BP', \
     'tower.csv' using 1:25 with points pt 7 ps 1.2 lc rgb '#000000' notitle, \
     'tower.csv' using 1:29 with lines lw 2 lc rgb '#d62728' title 'GAIT-prop', \
     'tower.csv' using 1:31 with points pt 7 ps 1.2 lc rgb '#d62728' notitle
unset multiplot
