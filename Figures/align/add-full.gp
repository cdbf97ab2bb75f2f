# Rendered by: gnuplot add-full.gp (run from this directory)
set terminal pngcairo size 1300,520 noenhanced font 'Sans,11'
set output 'add-full.png'
set datafile separator ','
set key autotitle columnhead
set grid lc rgb '#dddddd'
set multiplot layout 1,2 title 'Add task: best loss over 200 epochs vs width (full scale, seed 99, rng numpy-legacy); open markers: official code on CPU, ×: diverged (pre-divergence best)'
set logscale x 2
set logscale y
set xlabel 'width n'
set key top right font ',9'
set grid
set xrange [5.333333333333333:1536.0]
set title 'best training loss'
set ylabel 'best training loss'
plot 'add-full.csv' using 1:2 with linespoints lw 2 pt 7 lc rgb '#000000' title 'BP', \
     'add-full.csv' using 1:9 with points pt 6 ps 2 lc rgb '#000000' title 'BP (official code)', \
     'add-full.csv' using 1:12 with linespoints lw 2 pt 7 lc rgb '#d62728' title 'Align-ada', \
     'add-full.csv' using 1:19 with points pt 6 ps 2 lc rgb '#d62728' title 'Align-ada (official code)', \
     'add-full.csv' using 1:17 with points pt 2 ps 2.5 lw 2 lc rgb '#d62728' notitle, \
     'add-full.csv' using 1:22 with linespoints lw 2 pt 7 lc rgb '#ff7f0e' title 'Align-zero', \
     'add-full.csv' using 1:29 with points pt 6 ps 2 lc rgb '#ff7f0e' title 'Align-zero (official code)', \
     'add-full.csv' using 1:27 with points pt 2 ps 2.5 lw 2 lc rgb '#ff7f0e' notitle, \
     'add-full.csv' using 1:32 with linespoints lw 2 pt 7 lc rgb '#7f7f7f' title 'readout', \
     'add-full.csv' using 1:39 with points pt 6 ps 2 lc rgb '#7f7f7f' title 'readout (official code)', \
     'add-full.csv' using 1:42 with lines dt 2 lc rgb '#555555' title 'chance'
set title 'best test loss'
set ylabel 'best test loss'
plot 'add-full.csv' using 1:3 with linespoints lw 2 pt 7 lc rgb '#000000' title 'BP', \
     'add-full.csv' using 1:10 with points pt 6 ps 2 lc rgb '#000000' title 'BP (official code)', \
     'add-full.csv' using 1:13 with linespoints lw 2 pt 7 lc rgb '#d62728' title 'Align-ada', \
     'add-full.csv' using 1:20 with points pt 6 ps 2 lc rgb '#d62728' title 'Align-ada (official code)', \
     'add-full.csv' using 1:18 with points pt 2 ps 2.5 lw 2 lc rgb '#d62728' notitle, \
     'add-full.csv' using 1:23 with linespoints lw 2 pt 7 lc rgb '#ff7f0e' title 'Align-zero', \
     'add-full.csv' using 1:30 with points pt 6 ps 2 lc rgb '#ff7f0e' title 'Align-zero (official code)', \
     'add-full.csv' using 1:28 with points pt 2 ps 2.5 lw 2 lc rgb '#ff7f0e' notitle, \
     'add-full.csv' using 1:33 with linespoints lw 2 pt 7 lc rgb '#7f7f7f' title 'readout', \
     'add-full.csv' using 1:40 with points pt 6 ps 2 lc rgb '#7f7f7f' title 'readout (official code)', \
     'add-full.csv' using 1:43 with lines dt 2 lc rgb '#555555' title 'chance'
unset multiplot
